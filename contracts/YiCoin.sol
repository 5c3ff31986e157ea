// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IHourLedger} from "./interfaces/IHourLedger.sol";
import {IMerchantAlliance} from "./interfaces/IMerchantAlliance.sol";
import {IYiCoin} from "./interfaces/IYiCoin.sol";

/// @title YiCoin (益币)
/// @notice Deployed by the HourLedger, whose owed points are its only source of supply. See
/// IYiCoin for the rules.
contract YiCoin is IYiCoin, ERC20, AccessControl, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    IHourLedger private immutable _ledger;
    IMerchantAlliance private _alliance;

    constructor(address admin) ERC20(unicode"益币 YiCoin", "YIC") {
        if (admin == address(0)) revert YiCoinZeroAddress();
        _ledger = IHourLedger(msg.sender);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    modifier onlyLedger() {
        if (msg.sender != address(_ledger)) revert YiCoinNotLedger(msg.sender);
        _;
    }

    modifier onlyAlliance() {
        if (msg.sender != address(_alliance)) revert YiCoinNotAlliance(msg.sender);
        _;
    }

    /// @notice Two decimals: points are shown like fen, 7.50 益币.
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return 2;
    }

    /// @notice Minted 益币 plus the points the ledger owes `account`.
    function balanceOf(address account) public view override(ERC20, IERC20) returns (uint256) {
        return super.balanceOf(account) + _ledger.pointsOwed(account);
    }

    /// @notice Minted 益币 plus every point the ledger owes.
    function totalSupply() public view override(ERC20, IERC20) returns (uint256) {
        return super.totalSupply() + _ledger.pointsOwedTotal();
    }

    /// @inheritdoc IYiCoin
    /// @dev Straight to ERC20's `_update`: no settling, the ledger has already taken the owed points.
    function burnRevoked(address volunteer, uint256 amount) external onlyLedger returns (uint256 burned) {
        uint256 balance = super.balanceOf(volunteer);
        burned = amount < balance ? amount : balance;
        if (burned != 0) super._update(volunteer, address(0), burned);
    }

    /// @inheritdoc IYiCoin
    function redemptionTransfer(address volunteer, address merchant, uint256 amount) external onlyAlliance {
        _transfer(volunteer, merchant, amount);
    }

    /// @inheritdoc IYiCoin
    function burnSettled(address merchant, uint256 amount) external onlyAlliance whenNotPaused {
        _burn(merchant, amount);
    }

    /// @inheritdoc IYiCoin
    function setAlliance(address alliance_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (alliance_ == address(0)) revert YiCoinZeroAddress();
        if (address(_alliance) != address(0)) revert YiCoinAllianceAlreadySet(address(_alliance));
        _alliance = IMerchantAlliance(alliance_);
        emit AllianceSet(alliance_);
    }

    /// @inheritdoc IYiCoin
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IYiCoin
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IYiCoin
    function ledger() external view returns (address) {
        return address(_ledger);
    }

    /// @inheritdoc IYiCoin
    function alliance() external view returns (address) {
        return address(_alliance);
    }

    /// @dev Every transfer is spending: only to an active merchant, never while paused. Revocation
    /// burns stay open during a pause, so hours are never held back. Before any debit the points
    /// the ledger owes `from` are minted (Transfer from 0x0), so the debit sees them; that mint
    /// goes straight to ERC20's `_update`, which calls nothing back.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) {
            if (to != address(0)) {
                _requireNotPaused();
                if (address(_alliance) == address(0) || !_alliance.isActiveMerchant(to)) {
                    revert YiCoinRecipientNotMerchant(to);
                }
            }
            uint256 owed = _ledger.settlePoints(from);
            if (owed != 0) super._update(address(0), from, owed);
        }
        super._update(from, to, value);
    }
}
